/**
 * A sysfs tree for one device recorded with `udevadm info` (deploy/udev/fixtures/*.udev), so the
 * target's own `udevadm test` can run our rules against it without the device plugged in:
 * `unshare -m` + `mount --bind TREE /sys` + SYSTEMD_DEVICE_VERIFY_SYSFS=0 (deploy/dev/os-test.sh).
 *
 *   bun deploy/dev/fakeSysfs.ts FIXTURE.udev OUT_DIR     prints the device's /sys path
 *
 * What a fixture records becomes what udev reads: the USB device directory (the parent of the
 * `N-N:C.I` interface directory) gets idVendor/idProduct and the vendor's names, the interface
 * gets bInterfaceNumber, and the device itself its uevent and its subsystem link.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const [fixturePath, out] = process.argv.slice(2);
if (!fixturePath || !out) {
  console.error("usage: bun deploy/dev/fakeSysfs.ts FIXTURE.udev OUT_DIR");
  process.exit(2);
}

const env = new Map<string, string>();
let devpath = "";
for (const line of readFileSync(fixturePath, "utf8").split("\n")) {
  if (line.startsWith("P: ")) devpath = line.slice(3).trim();
  if (line.startsWith("E: ")) {
    const [key, ...value] = line.slice(3).split("=");
    env.set(key, value.join("="));
  }
}
if (!devpath.startsWith("/devices/")) throw new Error(`${fixturePath}: no P: /devices/… line`);

const sys = (path: string) => join(out, path);
const link = (from: string, to: string) => symlinkSync(relative(dirname(sys(from)), sys(to)), sys(from));
const write = (path: string, text: string) => writeFileSync(sys(path), `${text}\n`);
const subsystem = env.get("SUBSYSTEM") ?? "tty";

mkdirSync(sys(devpath), { recursive: true });
for (const dir of ["bus/usb", "bus/usb-serial", `class/${subsystem}`]) mkdirSync(sys(dir), { recursive: true });

const parts = devpath.split("/");
const interfaceAt = parts.findIndex((p) => /^\d+-[\d.]+:\d+\.\d+$/.test(p));
if (interfaceAt > 0 && env.has("ID_VENDOR_ID")) {
  const usbDevice = parts.slice(0, interfaceAt).join("/");
  const usbInterface = parts.slice(0, interfaceAt + 1).join("/");
  const [vendor, product] = [env.get("ID_VENDOR_ID") ?? "", env.get("ID_MODEL_ID") ?? ""];
  write(`${usbDevice}/idVendor`, vendor);
  write(`${usbDevice}/idProduct`, product);
  write(`${usbDevice}/manufacturer`, env.get("ID_VENDOR") ?? "vendor");
  write(`${usbDevice}/product`, env.get("ID_MODEL") ?? "product");
  write(`${usbDevice}/bcdDevice`, "0100");
  write(`${usbDevice}/uevent`, `DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=${vendor}/${product}/100\nTYPE=0/0/0`);
  link(`${usbDevice}/subsystem`, "bus/usb");
  const number = env.get("ID_USB_INTERFACE_NUM") ?? "00";
  write(`${usbInterface}/bInterfaceNumber`, number);
  for (const attr of ["bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol"])
    write(`${usbInterface}/${attr}`, "ff");
  write(`${usbInterface}/uevent`, `DEVTYPE=usb_interface\nPRODUCT=${vendor}/${product}/100\nINTERFACE=255/255/255`);
  link(`${usbInterface}/subsystem`, "bus/usb");
  // A USB-serial driver puts a port directory (ttyUSB0) between the interface and the tty.
  const port = parts[interfaceAt + 1];
  if (port && /^ttyUSB\d+$/.test(port)) {
    const portPath = parts.slice(0, interfaceAt + 2).join("/");
    write(`${portPath}/uevent`, "DRIVER=option1");
    link(`${portPath}/subsystem`, "bus/usb-serial");
  }
}

const name = parts[parts.length - 1];
const node = (env.get("DEVNAME") ?? "").replace(/^\/dev\//, "");
write(`${devpath}/uevent`, node ? `MAJOR=188\nMINOR=0\nDEVNAME=${node}` : `INTERFACE=${name}`);
if (node) write(`${devpath}/dev`, "188:0");
link(`${devpath}/subsystem`, `class/${subsystem}`);
console.log(`/sys${devpath}`);
