import { startReferenceProcess } from './lib.ts';

// The fixed reference workload for bench:api (issue #22): a plain node:http server in its own process answering every
// request with the same JSON body, with no routing, auth, store or Next.js. Its figures measured in the same run
// tell how fast the machine is at that moment; the API's figures divided by them do not depend on it, so a
// regression shows as a worse ratio whatever machine ran the bench.

const SOURCE = `
const http = require('node:http');
const body = Buffer.from(process.env.REF_BODY);
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  })
  .listen(Number(process.env.REF_PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

export interface ReferenceServer {
  url: string;
  stop(): Promise<void>;
}

export function startReferenceServer(body: string): Promise<ReferenceServer> {
  return startReferenceProcess(['-e', SOURCE], { REF_BODY: body });
}
