'use client';

import { commitmentFor, newSecret } from '@/lib/apps/voting/voter.ts';

// The voter's identity in this browser: a secret below 2^253, kept in localStorage and never sent. Its passphrase
// is the secret in hex, in groups of four, to write down or carry to another device.

const KEY = 'entroos.voting.identity.v1';

export function passphraseOf(secret: bigint): string {
  return (secret.toString(16).padStart(64, '0').match(/.{4}/g) ?? []).join('-');
}

/** The secret a passphrase names; throws when it is not one. */
export function secretOf(passphrase: string): bigint {
  const hex = passphrase.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('a passphrase is 64 hexadecimal digits (dashes and spaces aside)');
  const secret = BigInt(`0x${hex}`);
  commitmentFor(secret);
  return secret;
}

export function loadIdentity(): bigint | undefined {
  const stored = localStorage.getItem(KEY);
  if (!stored) return undefined;
  try {
    return secretOf(stored);
  } catch {
    return undefined;
  }
}

export function saveIdentity(secret: bigint) {
  localStorage.setItem(KEY, passphraseOf(secret));
}

export function createIdentity(): bigint {
  const secret = newSecret();
  saveIdentity(secret);
  return secret;
}

const receiptKey = (namespace: string, ballot: string) => `entroos.voting.receipt.${namespace}.${ballot}`;

export const loadReceipt = (namespace: string, ballot: string) => localStorage.getItem(receiptKey(namespace, ballot));
export const saveReceipt = (namespace: string, ballot: string, name: string) =>
  localStorage.setItem(receiptKey(namespace, ballot), name);
