/** The camera: each frame the detector is ready for is detected and drawn, with the time a frame takes. */
import type { DetectedObject, Predictor } from '@ssd/engine';

/** A running camera loop; `stop()` ends it and releases the camera. */
export interface CameraLoop {
  stop(): void;
}

/**
 * Starts the camera into `video` and detects on its frames one after another (a frame arrives while the last
 * one is detected is skipped), calling `onFrame` with each frame's objects and milliseconds.
 */
export async function startCamera(
  video: HTMLVideoElement,
  predictor: () => Predictor | undefined,
  scoreThreshold: () => number,
  onFrame: (objects: readonly DetectedObject[], ms: number) => void,
  onError: (error: Error) => void,
): Promise<CameraLoop> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error('this browser gives no camera to pages (getUserMedia), or the page is not https');
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480 },
    audio: false,
  });
  video.srcObject = stream;
  await video.play();
  let running = true;
  const next = async () => {
    const model = predictor();
    if (!running) return;
    if (model && video.readyState >= 2) {
      const start = performance.now();
      try {
        const { objects } = await model.detect(video, scoreThreshold());
        if (running) onFrame(objects, performance.now() - start);
      } catch (e) {
        running = false;
        onError(e as Error);
        return;
      }
    }
    requestAnimationFrame(() => void next());
  };
  requestAnimationFrame(() => void next());
  return {
    stop() {
      running = false;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
