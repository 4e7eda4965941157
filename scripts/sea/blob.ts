// Finds the single-executable blob inside a built executable and reads its header, so a test can
// tell that the plugin was injected and whether V8's code cache came with it. Layout (Node 24,
// src/node_sea.cc SeaSerializer, read from blobs it wrote): uint32 magic, uint32 flags, one byte
// (the main script's format), then the main script's path as a uint64 length and bytes. Pure.

const MAGIC = 0x0143da20;
const FLAG_DISABLE_WARNING = 1 << 0;
const FLAG_CODE_CACHE = 1 << 2;

export interface SeaBlobHeader {
  offset: number;
  codeCache: boolean;
  warningDisabled: boolean;
  /** `main` from sea-config.json. */
  main: string;
}

/** The blob whose main script's file name is `mainName`; undefined when none is found. */
export function findSeaBlob(exe: Buffer, mainName: string): SeaBlobHeader | undefined {
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(MAGIC);
  for (let at = exe.indexOf(magic); at !== -1; at = exe.indexOf(magic, at + 1)) {
    if (at + 17 > exe.length) break;
    const length = Number(exe.readBigUInt64LE(at + 9));
    if (length === 0 || length > 4096 || at + 17 + length > exe.length) continue;
    const main = exe.toString('utf8', at + 17, at + 17 + length);
    if (!main.endsWith(`/${mainName}`) && main !== mainName) continue;
    const flags = exe.readUInt32LE(at + 4);
    return { offset: at, codeCache: (flags & FLAG_CODE_CACHE) !== 0, warningDisabled: (flags & FLAG_DISABLE_WARNING) !== 0, main };
  }
  return undefined;
}
