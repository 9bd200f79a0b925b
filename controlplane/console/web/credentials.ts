/** The key pair the page signs with, kept in sessionStorage: gone when the tab closes. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly regionId: string;
}

const KEY = 'casim-console-credentials';

export function loadCredentials(): Credentials | undefined {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { accessKeyId, accessKeySecret, regionId } = parsed as Record<string, unknown>;
    if (typeof accessKeyId !== 'string' || typeof accessKeySecret !== 'string' || typeof regionId !== 'string') return undefined;
    return { accessKeyId, accessKeySecret, regionId };
  } catch {
    return undefined;
  }
}

export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(KEY);
}
