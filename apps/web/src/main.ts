/** The demo page: wires the model choice, images and camera to the detector and the results file. */
import type { Device } from '@ssd/config';
import type { DetectedObject, DownloadProgress, Predictor } from '@ssd/engine';
import { type CameraLoop, startCamera } from './camera';
import { drawDetections } from './draw';
import { configChoices, loadModel, type ModelChoice } from './model';
import { ResultsFile } from './results';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  config: byId<HTMLSelectElement>('config'),
  source: byId<HTMLSelectElement>('source'),
  mirrorRow: byId<HTMLElement>('mirror-row'),
  mirror: byId<HTMLInputElement>('mirror'),
  fileRow: byId<HTMLElement>('file-row'),
  checkpoint: byId<HTMLInputElement>('checkpoint'),
  device: byId<HTMLSelectElement>('device'),
  threshold: byId<HTMLInputElement>('threshold'),
  load: byId<HTMLButtonElement>('load'),
  progress: byId<HTMLProgressElement>('progress'),
  status: byId<HTMLElement>('status'),
  error: byId<HTMLElement>('error'),
  drop: byId<HTMLElement>('drop'),
  images: byId<HTMLInputElement>('images'),
  camera: byId<HTMLButtonElement>('camera'),
  backend: byId<HTMLElement>('backend'),
  timing: byId<HTMLElement>('timing'),
  view: byId<HTMLCanvasElement>('view'),
  video: byId<HTMLVideoElement>('video'),
  download: byId<HTMLAnchorElement>('download'),
  results: byId<HTMLOListElement>('results'),
};

let predictor: Predictor | undefined;
let camera: CameraLoop | undefined;
const results = new ResultsFile(ui.download);

function showError(e: unknown): void {
  ui.error.textContent = e instanceof Error ? e.message : String(e);
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

const threshold = () => {
  const value = Number(ui.threshold.value);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
};

for (const { name, zoo } of configChoices()) {
  ui.config.add(new Option(zoo ? name : `${name} (no published model)`, name));
}
ui.config.value = 'mobilenet_v2_ssd320_voc0712';

ui.source.addEventListener('change', () => {
  const fromFile = ui.source.value === 'file';
  ui.fileRow.hidden = !fromFile;
  ui.mirrorRow.hidden = fromFile;
});

function choice(): ModelChoice {
  const device = ui.device.value as Device;
  if (ui.source.value === 'file') {
    const file = ui.checkpoint.files?.[0];
    if (!file) throw new Error('choose a checkpoint file (.pth, .safetensors or .onnx) first');
    return { config: ui.config.value, weights: { kind: 'file', file }, device };
  }
  return { config: ui.config.value, weights: { kind: 'zoo', mirror: ui.mirror.value }, device };
}

function onProgress({ loaded, total, cached }: DownloadProgress): void {
  ui.progress.hidden = false;
  if (total) {
    ui.progress.max = total;
    ui.progress.value = loaded;
  } else {
    ui.progress.removeAttribute('value');
  }
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  ui.status.textContent = `${cached ? 'Reading the cached' : 'Downloading the'} weights: ${mb(loaded)}${total ? ` of ${mb(total)}` : ''} MB`;
}

ui.load.addEventListener('click', async () => {
  clearError();
  ui.load.disabled = true;
  camera?.stop();
  camera = undefined;
  try {
    const chosen = choice();
    predictor?.dispose();
    predictor = undefined;
    ui.camera.disabled = true;
    ui.status.textContent = `Loading ${chosen.config}…`;
    predictor = await loadModel(chosen, onProgress, (line) => {
      ui.status.textContent = line;
    });
    const { runtime, backend } = predictor.runtime;
    ui.backend.textContent = `${runtime === 'onnxruntime' ? 'ONNX Runtime Web' : 'TensorFlow.js'} · ${backend}`;
    const from = chosen.weights.kind === 'file' ? chosen.weights.file.name : 'the model zoo';
    ui.status.textContent = `Ready: ${chosen.config} from ${from}. Drop images or start the camera.`;
    ui.camera.disabled = false;
  } catch (e) {
    ui.status.textContent = 'No model loaded.';
    showError(e);
  } finally {
    ui.progress.hidden = true;
    ui.load.disabled = false;
  }
});

function listResult(name: string, objects: readonly DetectedObject[]): void {
  const item = document.createElement('li');
  const summary = objects.map((o) => `${o.label} ${o.score.toFixed(2)}`).join(', ');
  item.textContent = `${name}: ${objects.length} object${objects.length === 1 ? '' : 's'}${summary ? ` (${summary})` : ''}`;
  ui.results.append(item);
}

async function detectFiles(files: readonly File[]): Promise<void> {
  clearError();
  if (!predictor) {
    showError(new Error('load a model first'));
    return;
  }
  for (const file of files) {
    try {
      const result = await predictor.detect(file, threshold());
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      drawDetections(ui.view, bitmap, result.width, result.height, result.objects);
      bitmap.close();
      results.add(file.name, result);
      listResult(file.name, result.objects);
      ui.timing.textContent = `${file.name}: ${result.inferenceMs.toFixed(0)} ms detection, ${result.loadMs.toFixed(0)} ms decoding`;
    } catch (e) {
      showError(e);
    }
  }
}

ui.images.addEventListener('change', () => {
  void detectFiles([...(ui.images.files ?? [])]);
  ui.images.value = '';
});
ui.drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.drop.classList.remove('over');
  void detectFiles([...(event.dataTransfer?.files ?? [])]);
});

ui.camera.addEventListener('click', async () => {
  clearError();
  if (camera) {
    camera.stop();
    camera = undefined;
    ui.camera.textContent = 'Start camera';
    return;
  }
  let average = 0;
  try {
    camera = await startCamera(
      ui.video,
      () => predictor,
      threshold,
      (objects, ms) => {
        average = average === 0 ? ms : 0.9 * average + 0.1 * ms;
        drawDetections(ui.view, ui.video, ui.video.videoWidth, ui.video.videoHeight, objects);
        ui.timing.textContent = `camera: ${ms.toFixed(0)} ms/frame (average ${average.toFixed(0)})`;
      },
      (e) => {
        camera?.stop();
        camera = undefined;
        ui.camera.textContent = 'Start camera';
        showError(e);
      },
    );
    ui.camera.textContent = 'Stop camera';
  } catch (e) {
    showError(e);
  }
});
