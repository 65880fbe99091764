import { mapPath, parsePathMapping } from '../src/distributed/image-source';
import { decodeDetections, encodeDetections } from '../src/distributed/shard-jobs';

describe('ssd worker --path-map', () => {
  const maps = ['/data/shapes=/mnt/nfs/shapes', '/data=http://files.example:8000/root/'].map(
    parsePathMapping,
  );

  it('maps a path to a folder or to a URL, the first matching prefix winning', () => {
    expect(mapPath('/data/shapes/JPEGImages/1.jpg', maps)).toBe('/mnt/nfs/shapes/JPEGImages/1.jpg');
    expect(mapPath('/data/voc/a b#1.jpg', maps)).toBe('http://files.example:8000/root/voc/a%20b%231.jpg');
    expect(mapPath('/elsewhere/x.jpg', maps)).toBe('/elsewhere/x.jpg');
    expect(mapPath('/database/x.jpg', maps)).toBe('/database/x.jpg');
  });

  it('names a mapping without FROM=TO', () => {
    expect(() => parsePathMapping('/data')).toThrow('--path-map /data: expected FROM=TO');
    expect(() => parsePathMapping('=/x')).toThrow('expected FROM=TO');
  });
});

describe('shard results', () => {
  it('carry detections bit for bit', () => {
    const d = {
      width: 640,
      height: 480,
      boxes: new Float32Array([0.1, 1 / 3, 2e-38, 1e30, Math.PI, -0, 5, 6]),
      labels: new Int32Array([1, 20]),
      scores: new Float32Array([0.123456789, 1e-7]),
    };
    const back = decodeDetections(JSON.parse(JSON.stringify(encodeDetections(d))));
    expect(back).toEqual(d);
    expect(Buffer.from(back.boxes.buffer).equals(Buffer.from(d.boxes.buffer))).toBe(true);
  });
});
