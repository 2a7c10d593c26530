// The far end of the ws floors, run as its own OS process. On /echo it sends every
// message back; on /sink it counts binary messages and answers a text message with the
// count since the last one, so a sender can time a pipelined burst. It prints its port
// on stdout and exits when its stdin closes.
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });

server.on("listening", () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));

server.on("connection", (ws, request) => {
  if (request.url === "/sink") {
    let count = 0;
    ws.on("message", (_data, isBinary) => {
      if (isBinary) return void count++;
      ws.send(String(count));
      count = 0;
    });
  } else {
    ws.on("message", (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  }
});

process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
