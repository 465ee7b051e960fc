/**
 * A 150-byte static aarch64 Linux program that executes one ARMv8.1 LSE instruction
 * (`ldadd`) and exits 0. The Pi's Cortex-A72/A53 are ARMv8.0 and lack it, so under
 * `qemu-aarch64 -cpu cortex-a53` it must die with SIGILL: that proves qemu enforces the CPU
 * model, i.e. that a Bun build using newer instructions would fail the test too.
 */
const BASE = 0x400000;
const CODE_OFFSET = 64 + 56;
const CODE = [
  0x100000c1, // adr  x1, data        (6 instructions ahead)
  0x52800020, // mov  w0, #1
  0xb8200022, // ldadd w0, w2, [x1]   (ARMv8.1 LSE)
  0xd2800000, // mov  x0, #0
  0xd2800ba8, // mov  x8, #93         (exit)
  0xd4000001, // svc  #0
  0x00000000, // data: .word 0
];

export function lseCanaryElf(): Buffer {
  const size = CODE_OFFSET + CODE.length * 4;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF, 64-bit, little endian, version 1, SYSV
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(183, 18); // EM_AARCH64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(BASE + CODE_OFFSET), 24); // entry
  b.writeBigUInt64LE(64n, 32); // program headers right after this header
  b.writeUInt16LE(64, 52); // header size
  b.writeUInt16LE(56, 54); // program header size
  b.writeUInt16LE(1, 56); // one program header
  // PT_LOAD of the whole file, read/write/execute (the atomic add writes the data word).
  b.writeUInt32LE(1, 64);
  b.writeUInt32LE(7, 68);
  b.writeBigUInt64LE(0n, 72);
  b.writeBigUInt64LE(BigInt(BASE), 80);
  b.writeBigUInt64LE(BigInt(BASE), 88);
  b.writeBigUInt64LE(BigInt(size), 96);
  b.writeBigUInt64LE(BigInt(size), 104);
  b.writeBigUInt64LE(0x1000n, 112);
  CODE.forEach((word, i) => {
    b.writeUInt32LE(word, CODE_OFFSET + i * 4);
  });
  return b;
}
