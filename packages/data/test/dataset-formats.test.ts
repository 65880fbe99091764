import { buildDatasetFromSource, DATASET_FACTORIES, type DatasetSource, VOCDataset } from '../src';

describe('DATASET_FACTORIES', () => {
  const source = (format: string): DatasetSource =>
    ({ name: 'mine', format, dataDir: '/nowhere', split: 'train' }) as DatasetSource;

  test('holds the built-in formats and refuses to have one replaced', () => {
    expect(DATASET_FACTORIES.names()).toEqual(['voc', 'coco']);
    expect(() =>
      DATASET_FACTORIES.register('voc', () => {
        throw new Error('never called');
      }),
    ).toThrow("data set format 'voc' is already registered");
  });

  test('a registered format builds its data sets; an unknown one is refused, listing the registered', () => {
    let built: DatasetSource | undefined;
    DATASET_FACTORIES.register('formats_test', (s, isTrain) => {
      built = s;
      return new VOCDataset({
        dataDir: s.dataDir,
        split: isTrain ? 'train' : 'test',
        classNames: ['__background__', 'x'],
      });
    });
    expect(() => buildDatasetFromSource(source('formats_test'), true)).toThrow(/\/nowhere/);
    expect(built?.name).toBe('mine');
    expect(() => buildDatasetFromSource(source('kitti'), true)).toThrow(
      "not supported: data set format 'kitti' of 'mine' (registered: voc, coco, formats_test)",
    );
  });
});
