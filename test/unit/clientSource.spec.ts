import { expect } from 'chai';
import { addressKey, requestSource } from '../../src/transport/clientSource';
import { loadConfig } from '../../src/config';

describe('client source of a login (Express req.ip: the socket peer, X-Forwarded-For behind TRUST_PROXY)', () => {
  const req = (ip: string | undefined, peer: string | undefined) => ({ ip, socket: { remoteAddress: peer } }) as unknown as Parameters<typeof requestSource>[0];

  it('takes req.ip (which Express sets from the trusted proxy chain), else the socket peer, else unknown', () => {
    expect(requestSource(req('198.51.100.7', '10.0.0.1'))).to.equal('198.51.100.7');
    expect(requestSource(req(undefined, '10.1.2.3'))).to.equal('10.1.2.3');
    expect(requestSource(req(undefined, undefined))).to.equal('unknown');
    expect(requestSource(req('::ffff:10.0.0.9', undefined))).to.equal('10.0.0.9');
  });

  it('TRUST_PROXY=true means one proxy hop, so the client address is the entry that proxy appended', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(1);
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'yes please!' })).to.throw(/TRUST_PROXY/);
  });

  it('counts IPv4-mapped IPv6 as IPv4 and IPv6 by its /64 network', () => {
    expect(addressKey('::ffff:127.0.0.1')).to.equal('127.0.0.1');
    expect(addressKey('::ffff:7f00:2')).to.equal('127.0.0.2');
    expect(addressKey('2001:db8:1:2::1')).to.equal('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).to.equal('2001:db8:1:2::/64');
    expect(addressKey('[2001:DB8:0:0:1::5]')).to.equal('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
    expect(addressKey('::1')).to.equal('0:0:0:0::/64');
    expect(addressKey('2001:db8::1.2.3.4')).to.equal('2001:db8:0:0::/64');
    expect(addressKey('')).to.equal(undefined);
    expect(addressKey('999.1.1.1')).to.equal(undefined);
  });
});
