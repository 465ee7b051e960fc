import { smsContract } from "./smsContract.ts";

smsContract("simulator");
