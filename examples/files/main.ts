// Write a file, read it back, list its directory.
import { getpid, mkdir, print, readdir, readFile, stat, writeFile } from "onebox";

mkdir("notes"); // EEXIST on a second run is fine: the directory is what we want.
writeFile("notes/hello.txt", "hello from pid " + getpid().toString());

const text = readFile("notes/hello.txt")!;
print("read " + stat("notes/hello.txt")!.size.toString() + " bytes: " + text);
print("notes/ holds: " + readdir("notes")!.join(", "));
