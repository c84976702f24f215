import { afterEach, describe, expect, it } from 'vitest';
import { socketPoolConfig, TWIN_MAX_SOCKETS } from '../../lib/clients/socket-pool';

/** The larger socket pool is for the local twin only: an AWS endpoint keeps the SDK's defaults. */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('socketPoolConfig', () => {
  it('sizes the pool when the service endpoint is the twin on loopback', () => {
    process.env.AWS_ENDPOINT_URL_IOT = 'http://127.0.0.1:40123';
    expect(socketPoolConfig('IOT')).toEqual({ requestHandler: { httpAgent: { keepAlive: true, maxSockets: TWIN_MAX_SOCKETS } } });
  });

  it('falls back to AWS_ENDPOINT_URL, as the SDK does', () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    expect(socketPoolConfig('S3').requestHandler?.httpAgent.maxSockets).toBe(TWIN_MAX_SOCKETS);
  });

  it('keeps the SDK defaults for AWS endpoints and without an endpoint', () => {
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_SFN;
    expect(socketPoolConfig('SFN')).toEqual({});
    process.env.AWS_ENDPOINT_URL_SFN = 'https://states.eu-west-1.amazonaws.com';
    expect(socketPoolConfig('SFN')).toEqual({});
    process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1.example.com';
    expect(socketPoolConfig('SFN')).toEqual({});
  });
});
