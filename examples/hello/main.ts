import { getpid, print } from "onebox";

print("hello from pid " + getpid().toString());
