// appender PATH LABEL N: open PATH for appending, write N lines "LABEL i" 20 ms apart
// (N = 0: until a write fails), then hold the file open. A failed write prints
// `write.err=<-errno>` and ends the process.
import * as ob from "onebox";

const argv = ob.args();
const label = argv[2];
const n = I32.parseInt(argv[3]);
const fd = ob.open(argv[1], ob.O_WRITE | ob.O_CREATE | ob.O_APPEND);
if (fd < 0) {
  ob.print("open.err=" + fd.toString());
} else {
  let failed = false;
  for (let i = 0; !failed && (n == 0 || i < n); i++) {
    const r = ob.writeText(fd, label + " " + i.toString() + "\n");
    if (r < 0) {
      ob.print("write.err=" + r.toString());
      failed = true;
    } else {
      ob.sleep(20);
    }
  }
  if (!failed) ob.sleep(600_000);
}
