// Imports a call the ABI does not have: the host must refuse to run it, naming the call.
import { print } from "onebox";

@external("onebox", "teleport")
declare function teleport(node: i32): i32;

print(teleport(7).toString());
