/**
 * Where the player is, from the browser (navigator.geolocation), for location-fenced packets.
 * The browser asks the person for permission the first time; a refusal or a timeout rejects
 * with an Error whose message says why. Nothing is kept or reused (maximumAge 0): each claim
 * and each nearby search asks for a fresh fix, so walking into a fence counts at once.
 */
import type { ClaimLocation } from '@red-packet/sdk';
import { t } from './i18n.js';

/** The current position: latitude, longitude and the browser's 95 % accuracy radius, metres. */
export function currentLocation(timeoutMs = 15_000): Promise<ClaimLocation> {
  return new Promise((resolve, reject) => {
    if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
      reject(new Error(t('fence.noLocation', { reason: 'this browser has no geolocation' })));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) =>
        resolve({
          lat: pos.coords.latitude,
          lng: pos.coords.longitude,
          accuracyM: Math.max(0, pos.coords.accuracy),
        }),
      (err) => reject(new Error(t('fence.noLocation', { reason: err.message || `error ${err.code}` }))),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    );
  });
}

/** "300 m", "1.5 km" — a distance as a person reads it, no map needed. */
export function formatDistance(m: number): string {
  return m < 1_000 ? `${Math.round(m)} m` : `${(m / 1_000).toFixed(m < 10_000 ? 1 : 0)} km`;
}
