// HEALTHCHECK of the casim/server image: healthy when the control plane answers HTTP on its
// port (any status: without --time-control the clock path answers TimeControl.Disabled).
const port = process.env.CASIM_PORT ?? '8484';
const host = !process.env.CASIM_HOST || process.env.CASIM_HOST === '0.0.0.0' ? '127.0.0.1' : process.env.CASIM_HOST;
// The admin clock path answers (with TimeControl.Disabled when off) without an API log line.
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/casim/admin/clock`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  console.log(`casim server at ${url}: HTTP ${response.status}`);
  process.exit(0);
} catch (error) {
  console.error(`casim server at ${url} does not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
