/** A resource tag (Tag.N.Key / Tag.N.Value), as stored on commands, invocations and instances. */
export interface Tag {
  key: string;
  value: string;
}
