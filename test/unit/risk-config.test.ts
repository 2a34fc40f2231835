import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('risk configuration', () => {
  it('has the published defaults', () => {
    expect(loadConfig({}).risk).toMatchObject({
      timeZone: 'Asia/Shanghai',
      dailyMaxSends: 100,
      dailyMaxSentFen: 1_000_000,
      dailyMaxReceivedFen: 100_000,
      dailyMaxRainFen: 10_000_000,
      verifyAfterSends: 5,
      verifyMaxAgeMs: 300_000,
      breakerRepeat: 5,
      breakerWindowMs: 3_600_000,
      breakerCooldownMs: 600_000,
      grabFailMax: 30,
      maxAccountsPerDevice: 3,
      maxAccountsPerIp: 10,
      clusterEnforce: false,
      trustedProxies: [],
    });
  });

  it('reads every variable', () => {
    const risk = loadConfig({
      RISK_TIME_ZONE: 'UTC',
      RISK_VERIFY_AFTER_SENDS: '0',
      RISK_VERIFY_MAX_AGE_SEC: '60',
      RISK_BREAKER_COOLDOWN_SEC: '5',
      RISK_CLUSTER_ENFORCE: '1',
      TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1',
    }).risk;
    expect(risk).toMatchObject({
      timeZone: 'UTC',
      verifyAfterSends: 0,
      verifyMaxAgeMs: 60_000,
      breakerCooldownMs: 5_000,
      clusterEnforce: true,
      trustedProxies: ['10.0.0.0/8', '127.0.0.1', '::1'],
    });
  });

  it.each([
    ['RISK_TIME_ZONE', 'Mars/Olympus'],
    ['RISK_DAILY_MAX_SENDS', '-1'],
    ['RISK_DAILY_MAX_SENT_FEN', '1.5'],
    ['RISK_VERIFY_MAX_AGE_SEC', '0'],
    ['RISK_CLUSTER_ENFORCE', 'maybe'],
    ['TRUSTED_PROXIES', '10.0.0.0/40'],
    ['TRUSTED_PROXIES', 'proxy.example.com'],
  ])('stops on a bad %s (%s), naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });
});
