/**
 * The agent version reported as CloudAssistantVersion. It mimics a current real agent
 * (feature gates in the docs compare against 2.2.3.x), so version-gated features count as present.
 */
export const AGENT_VERSION = '2.5.3.0';
