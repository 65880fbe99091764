export { runTraining, type TrainingRequest } from './run-training';
