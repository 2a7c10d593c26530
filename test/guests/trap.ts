// Traps after a line of output: the CLI must end it with a one-line error naming the trap.
import { print } from "onebox";

print("about to trap");
unreachable();
