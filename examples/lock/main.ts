// 8 processes each add 1 to a counter file 100 times; the lock keeps every update.
import { args, lock, print, readFile, spawn, unlock, wait, writeFile, yieldNow } from "onebox";

const WORKERS = 8;
const ROUNDS = 100;
const COUNTER = "counter.txt";

if (args().length > 1 && args()[1] == "worker") {
  for (let i = 0; i < ROUNDS; i++) {
    lock("counter");
    const next = I32.parseInt(readFile(COUNTER)!) + 1;
    yieldNow(); // let the others run mid-update: without the lock, increments would be lost
    writeFile(COUNTER, next.toString());
    unlock("counter");
  }
} else {
  writeFile(COUNTER, "0");
  for (let i = 0; i < WORKERS; i++) spawn("", ["worker"]);
  for (let i = 0; i < WORKERS; i++) wait();
  print("count=" + readFile(COUNTER)!);
}
