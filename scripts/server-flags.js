/**
 * The Node flags the app server runs with, wherever it is started: `npm start` (scripts/start.js), the systemd
 * unit (deploy/qingfeng.service, written out there), and the end-to-end harness and benchmarks
 * (tests/e2e/harness.ts), so what is measured is what runs.
 *
 * --max-semi-space-size=8 (MiB; Node 20's default is 16): a smaller young generation. Issue 20: under
 * `npm run bench:intake` the server's peak RSS was 169–208 MiB across three quiet sittings with the default and
 * 191 MiB with 8, at the same CPU per report (1.17–1.19 ms) and rate (598–599 reports/s), side by side.
 */
export const SERVER_NODE_FLAGS = Object.freeze(['--max-semi-space-size=8']);
