import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeImageFile } from '../src';

// Hostile-input suite, image: a full disk while writing an image names the file.
const full = existsSync('/dev/full') ? it : it.skip;

full('a full disk names the image being written', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-image-full-')), 'annotated.jpg');
  // /dev/full answers every write with ENOSPC.
  symlinkSync('/dev/full', file);
  const image = { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 as const };
  await expect(writeImageFile(image, file)).rejects.toThrow(
    new RegExp(`cannot write image ${file}: .*no space left on device`, 'is'),
  );
});
