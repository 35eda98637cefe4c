import type { Logger } from 'pino';
import type { ObjectApi } from '../apiserver/object-api.ts';
import type { EventRecorder } from '../apiserver/events.ts';
import { OwnerIndexes } from './owners.ts';

/**
 * What every controller is given: the object API it reconciles through, the event recorder, a logger, and the
 * owner indexes the controllers of one manager share.
 */
export interface ControllerContext {
  api: ObjectApi;
  events: EventRecorder;
  log: Logger;
  owners: OwnerIndexes;
}

export function controllerContext(api: ObjectApi, events: EventRecorder, log: Logger): ControllerContext {
  return { api, events, log, owners: new OwnerIndexes(api) };
}
