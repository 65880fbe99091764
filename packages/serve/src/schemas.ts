/** JSON schemas of the answers: Fastify serialises them with code compiled from these (faster than JSON.stringify). */

const number = { type: 'number' } as const;

/** `POST /v1/detect`'s 200 answer. */
export const detectResponseSchema = {
  type: 'object',
  required: ['width', 'height', 'objects', 'timings'],
  properties: {
    width: { type: 'integer' },
    height: { type: 'integer' },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['box', 'label', 'labelId', 'score'],
        properties: {
          box: { type: 'array', items: number, minItems: 4, maxItems: 4 },
          label: { type: 'string' },
          labelId: { type: 'integer' },
          score: number,
        },
      },
    },
    timings: {
      type: 'object',
      required: ['queueMs', 'inferenceMs'],
      properties: { queueMs: number, inferenceMs: number },
    },
  },
} as const;
