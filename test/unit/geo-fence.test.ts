import { describe, expect, it } from 'vitest';
import { GameError } from '../../server/domain/errors.js';
import {
  checkFence,
  EARTH_RADIUS_M,
  fencePass,
  fenceVerdict,
  haversineM,
  outOfArea,
} from '../../server/domain/geo-fence.js';

/** One degree of arc on the model sphere, metres (111,195.08 m). */
const DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180;
/** `m` metres north of `lat`, in degrees. */
const north = (lat: number, m: number): number => lat + m / DEGREE_M;

describe('haversineM', () => {
  it('measures one degree along the equator and along a meridian alike', () => {
    expect(DEGREE_M).toBeCloseTo(111_195.08, 1);
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 0, lng: 1 })).toBeCloseTo(DEGREE_M, 6);
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(DEGREE_M, 6);
    expect(haversineM({ lat: 0, lng: 10 }, { lat: 0, lng: 10.001 })).toBeCloseTo(DEGREE_M / 1000, 6);
  });

  it('is symmetric and zero for the same point', () => {
    const a = { lat: 31.2304, lng: 121.4737 };
    const b = { lat: 39.9042, lng: 116.4074 };
    expect(haversineM(a, a)).toBe(0);
    expect(haversineM(a, b)).toBeCloseTo(haversineM(b, a), 6);
    // Shanghai to Beijing: about 1,068 km.
    expect(haversineM(a, b) / 1000).toBeGreaterThan(1_060);
    expect(haversineM(a, b) / 1000).toBeLessThan(1_075);
  });

  it('shrinks east-west distances towards the poles by cos(latitude)', () => {
    const at60 = haversineM({ lat: 60, lng: 0 }, { lat: 60, lng: 0.001 });
    expect(at60).toBeCloseTo((DEGREE_M / 1000) * Math.cos((60 * Math.PI) / 180), 3);
  });

  it('goes over the pole: 0.001° from it on opposite meridians is 0.002° apart', () => {
    const d = haversineM({ lat: 89.999, lng: 0 }, { lat: 89.999, lng: 180 });
    expect(d).toBeCloseTo(0.002 * DEGREE_M, 3);
    expect(haversineM({ lat: -89.999, lng: -90 }, { lat: -89.999, lng: 90 })).toBeCloseTo(
      0.002 * DEGREE_M,
      3,
    );
  });

  it('treats every longitude at a pole as one point', () => {
    expect(haversineM({ lat: 90, lng: 0 }, { lat: 90, lng: 137 })).toBeCloseTo(0, 6);
    expect(haversineM({ lat: 90, lng: 0 }, { lat: -90, lng: 0 })).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });

  it('crosses the antimeridian the short way', () => {
    const d = haversineM({ lat: 0, lng: 179.999 }, { lat: 0, lng: -179.999 });
    expect(d).toBeCloseTo(0.002 * DEGREE_M, 3);
    const fiji = haversineM({ lat: -17.7134, lng: 179.9999 }, { lat: -17.7134, lng: -179.9999 });
    expect(fiji).toBeLessThan(25);
    expect(fiji).toBeGreaterThan(20);
  });
});

describe('fenceVerdict: distance − min(accuracy, cap) ≤ radius', () => {
  const fence = { lat: 31.2304, lng: 121.4737, radiusM: 300 };
  const at = (m: number, accuracyM: number, capM = 100) =>
    fencePass({ lat: north(fence.lat, m), lng: fence.lng, accuracyM }, capM);

  it('lets in a claimer inside the circle', () => {
    const v = fenceVerdict(fence, at(120, 5));
    expect(v.inside).toBe(true);
    expect(v.distanceM).toBeCloseTo(120, 3);
  });

  it('credits the accuracy: 350 m away with ±60 m touches a 300 m fence', () => {
    expect(fenceVerdict(fence, at(350, 60)).inside).toBe(true);
    expect(fenceVerdict(fence, at(350, 10)).inside).toBe(false);
  });

  it('credits at most the cap, so a huge accuracy cannot claim from afar', () => {
    expect(fenceVerdict(fence, at(390, 5_000)).inside).toBe(true); // 390 − 100 ≤ 300
    const far = fenceVerdict(fence, at(450, 1_000_000));
    expect(far).toMatchObject({ inside: false });
    expect(far.distanceM).toBeCloseTo(450, 3);
    expect(fenceVerdict(fence, at(301, 1_000, 0)).inside).toBe(false); // cap 0: accuracy ignored
  });

  it('is inclusive at the boundary', () => {
    const pass = { lat: north(fence.lat, 300), lng: fence.lng, trustedM: 0 };
    const d = haversineM(fence, pass);
    expect(fenceVerdict({ ...fence, radiusM: d }, pass).inside).toBe(true);
    expect(fenceVerdict({ ...fence, radiusM: d - 0.001 }, pass).inside).toBe(false);
  });

  it('refuses a fenced claim with no location', () => {
    expect(fenceVerdict(fence, undefined)).toEqual({ inside: false, distanceM: null });
  });

  it('works for a fence on the antimeridian and one at the pole', () => {
    const dateLine = { lat: -17.7, lng: 180, radiusM: 100 };
    expect(fenceVerdict(dateLine, { lat: -17.7, lng: -179.9995, trustedM: 0 }).inside).toBe(true);
    expect(fenceVerdict(dateLine, { lat: -17.7, lng: 179.998, trustedM: 0 }).inside).toBe(false);
    const pole = { lat: 90, lng: 0, radiusM: 500 };
    expect(fenceVerdict(pole, { lat: 89.997, lng: -123, trustedM: 0 }).inside).toBe(true);
    expect(fenceVerdict(pole, { lat: 89.99, lng: 45, trustedM: 0 }).inside).toBe(false);
  });
});

describe('fence bounds and refusals', () => {
  const bounds = { minRadiusM: 50, maxRadiusM: 50_000 };

  it('accepts radii within the configured bounds, refuses others LIMIT_EXCEEDED', () => {
    expect(() => checkFence({ lat: 0, lng: 0, radiusM: 50 }, bounds)).not.toThrow();
    expect(() => checkFence({ lat: 0, lng: 0, radiusM: 50_000 }, bounds)).not.toThrow();
    for (const radiusM of [49, 50_001]) {
      const err = (() => {
        try {
          checkFence({ lat: 0, lng: 0, radiusM }, bounds);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(GameError);
      expect(err).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 'fence-radius' } });
    }
  });

  it('says how far the claimer was, in whole metres, or asks for a location', () => {
    expect(outOfArea(300, 412.6)).toMatchObject({
      code: 'OUT_OF_AREA',
      details: { radiusM: 300, distanceM: 413 },
    });
    const none = outOfArea(300, null);
    expect(none.code).toBe('OUT_OF_AREA');
    expect(none.details).toEqual({ radiusM: 300 });
    expect(none.message).toMatch(/send your location/);
  });
});
