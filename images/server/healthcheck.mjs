// HEALTHCHECK of the casim/server image: healthy when the control plane answers HTTP on its
// port (any status: an unsigned request is refused with an API error, which proves it is up).
const port = process.env.CASIM_PORT ?? '8484';
const host = !process.env.CASIM_HOST || process.env.CASIM_HOST === '0.0.0.0' ? '127.0.0.1' : process.env.CASIM_HOST;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  console.log(`casim server at ${url}: HTTP ${response.status}`);
  process.exit(0);
} catch (error) {
  console.error(`casim server at ${url} does not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
