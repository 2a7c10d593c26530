// Locks and the name registry, with their errors. Children act on the role in argv[1]
// and talk to the parent with messages tagged READY.
import * as ob from "onebox";
import { report } from "./report";

const argv = ob.args();
const role = argv.length > 1 ? argv[1] : "main";
const READY = 1;
const WORKERS = 4;
const ROUNDS = 20;

function ready(): void {
  ob.sendText(ob.getppid(), READY, "ready");
}

function awaitReady(): void {
  ob.recv([READY]);
}

if (role == "hold") {
  ob.lock(argv[2]);
  ready();
  ob.recv([99]);
} else if (role == "hold-and-exit") {
  ob.lock(argv[2]);
} else if (role == "cycle") {
  // Holds B, then waits for A, which the parent holds while it asks for B.
  ob.lock("B");
  ready();
  const r = ob.lock("A");
  ob.sendText(ob.getppid(), READY, r < 0 ? r.toString() : "0");
  if (r >= 0) ob.unlock("A");
  ob.unlock("B");
} else if (role == "increment") {
  // Yield inside the critical section: without the lock, updates would be lost.
  for (let i = 0; i < ROUNDS; i++) {
    ob.lock("counter");
    const n = I32.parseInt(ob.readFile("counter.txt")!);
    ob.yieldNow();
    ob.writeFile("counter.txt", (n + 1).toString());
    ob.unlock("counter");
  }
} else if (role == "register") {
  ob.register(argv[2]);
  ready();
  ob.recv([99]);
} else if (role == "register-and-exit") {
  ob.register(argv[2]);
} else {
  const me = ob.getpid();
  const t1 = ob.lock("a");
  ob.unlock("a");
  const t2 = ob.lock("a", 0);
  report("tokens", (t1 > 0).toString() + " " + (t2 > t1).toString());
  report("relock", ob.lock("a").toString() + " " + ob.trylock("a").toString());
  report("unlock", ob.unlock("a").toString());
  report("unlock.not-held", ob.unlock("a").toString());
  report("lock.empty-name", ob.lock("").toString());

  const holder = ob.spawn("", ["hold", "b"]);
  awaitReady();
  const held = ob.trylock("b");
  const timedOut = ob.lock("b", 10);
  report("contended", held.toString() + " " + timedOut.toString() + " " + ob.unlock("b").toString());
  ob.kill(holder);
  ob.wait(holder);
  report("released-on-kill", (ob.trylock("b") > 0).toString());

  ob.wait(ob.spawn("", ["hold-and-exit", "c"]));
  report("released-on-exit", (ob.trylock("c") > 0).toString());

  // At unlock the lock goes to the oldest waiter, before anyone else can take it.
  ob.lock("d");
  const waiter = ob.spawn("", ["hold", "d"]);
  ob.yieldNow(); // the child runs until it blocks in lock
  ob.unlock("d");
  report("handed-off", ob.trylock("d").toString());
  awaitReady();
  ob.kill(waiter);
  ob.wait(waiter);

  // A waiter that is killed leaves the queue.
  ob.lock("e");
  const doomed = ob.spawn("", ["hold", "e"]);
  ob.yieldNow();
  ob.kill(doomed);
  ob.wait(doomed);
  ob.unlock("e");
  report("killed-waiter-dropped", (ob.trylock("e") > 0).toString());

  ob.lock("A");
  const cycler = ob.spawn("", ["cycle"]);
  awaitReady();
  const mine = ob.lock("B");
  if (mine >= 0) ob.unlock("B");
  ob.unlock("A");
  const theirs = I32.parseInt(ob.recv([READY])!.text());
  ob.wait(cycler);
  report("cycle", (mine == -ob.EDEADLK || theirs == -ob.EDEADLK).toString() + " " + (mine == -ob.EDEADLK && theirs == -ob.EDEADLK).toString());

  ob.writeFile("counter.txt", "0");
  for (let i = 0; i < WORKERS; i++) ob.spawn("", ["increment"]);
  for (let i = 0; i < WORKERS; i++) ob.wait();
  report("mutual-exclusion", ob.readFile("counter.txt")!);

  report("register", ob.register("svc").toString() + " " + (ob.whereis("svc") == me).toString());
  report("register.taken", ob.register("svc").toString());
  report("register.empty", ob.register("").toString());
  report("unregister.unknown", ob.unregister("nope").toString());
  report("whereis.unknown", ob.whereis("nope").toString());
  const other = ob.spawn("", ["register", "theirs"]);
  awaitReady();
  report("whereis.other", (ob.whereis("theirs") == other).toString());
  report("unregister.not-mine", ob.unregister("theirs").toString());
  ob.kill(other);
  ob.wait(other);
  report("name-gone-on-kill", ob.whereis("theirs").toString());
  ob.wait(ob.spawn("", ["register-and-exit", "brief"]));
  report("name-gone-on-exit", ob.whereis("brief").toString());
  report("unregister", ob.unregister("svc").toString() + " " + ob.whereis("svc").toString());
}
