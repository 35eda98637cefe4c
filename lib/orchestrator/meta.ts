import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject } from '../store/index.ts';

export type { KubeObject };

/** Kubernetes timestamps have second precision: 2026-11-26T05:00:00Z. */
export const timestamp = (date = new Date()) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The random suffix Kubernetes appends to generateName (5 characters). */
export function randomSuffix(length = 5): string {
  return Array.from(randomBytes(length), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export const newUid = () => randomUUID();

export const clone = <T>(value: T): T => structuredClone(value);

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences as OwnerReference[] | undefined)?.find((r) => r.controller);
}

export function ownerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}
