import type { CasimApi } from './types.js';

interface StatusBody {
  InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ InstanceId: string; CloudAssistantStatus: string }> };
}

/**
 * Resolves when DescribeCloudAssistantStatus shows every instance's agent online (the state the
 * control plane keeps per WebSocket session), polling that state every `intervalMs`.
 */
export async function waitForInstancesOnline(api: CasimApi, instanceIds: readonly string[], timeoutMs: number, intervalMs = 100): Promise<void> {
  if (instanceIds.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let offline: string[] = [...instanceIds];
  for (;;) {
    const body = await api.call<StatusBody>('DescribeCloudAssistantStatus', { InstanceId: [...instanceIds], PageSize: 50 });
    const online = new Set(
      body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.filter((row) => row.CloudAssistantStatus === 'true').map((row) => row.InstanceId),
    );
    offline = instanceIds.filter((id) => !online.has(id));
    if (offline.length === 0) return;
    if (Date.now() > deadline) throw new Error(`casim: instances not online after ${timeoutMs} ms: ${offline.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
