import type { Logger } from 'pino';
import type { ObjectApi } from '../apiserver/object-api.ts';
import type { EventRecorder } from '../apiserver/events.ts';

/** What every controller is given: the object API it reconciles through, the event recorder and a logger. */
export interface ControllerContext {
  api: ObjectApi;
  events: EventRecorder;
  log: Logger;
}
