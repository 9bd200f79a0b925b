import type { CasimFaults, FaultSpec, InjectedFault } from './types.js';

/** The admin faults path of the control plane (controlplane/admin/fault-control.ts). */
const FAULTS_PATH = '/casim/admin/faults';

export class FaultControlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Fault injection through the server's admin endpoint (a server started with admin on). */
export class HttpFaults implements CasimFaults {
  constructor(private readonly url: string) {}

  async add(spec: FaultSpec): Promise<InjectedFault> {
    return (await this.request<{ fault: InjectedFault }>('POST', FAULTS_PATH, spec)).fault;
  }

  async list(): Promise<InjectedFault[]> {
    return (await this.request<{ faults: InjectedFault[] }>('GET', FAULTS_PATH)).faults;
  }

  async remove(id: string): Promise<void> {
    await this.request('DELETE', `${FAULTS_PATH}/${encodeURIComponent(id)}`);
  }

  async clear(): Promise<number> {
    return (await this.request<{ cleared: number }>('DELETE', FAULTS_PATH)).cleared;
  }

  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: FaultSpec): Promise<T> {
    const response = await fetch(new URL(path, this.url), {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const answer = (await response.json()) as T & { Code?: string; Message?: string };
    if (!response.ok) throw new FaultControlError(answer.Code ?? `HTTP ${response.status}`, answer.Message ?? 'fault request failed', response.status);
    return answer;
  }
}
