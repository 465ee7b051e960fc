import { smsContract } from "./smsContract.ts";

// The real gammu-smsd daemon with its dummy driver (a directory plays the modem).
smsContract("gammu");
