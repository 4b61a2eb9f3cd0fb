import { expect } from 'chai';
import { addressKey, clientSource } from '../../src/transport/clientSource';

describe('client source of a login (socket peer, X-Forwarded-For behind TRUST_PROXY)', () => {
  it('uses the socket peer and ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientSource('10.1.2.3', '198.51.100.7', false)).to.equal('10.1.2.3');
    expect(clientSource(undefined, undefined, false)).to.equal('unknown');
  });

  it('behind a trusted proxy takes the last X-Forwarded-For entry, falling back to the peer when it is no address', () => {
    expect(clientSource('10.0.0.1', '1.1.1.1, 198.51.100.7', true)).to.equal('198.51.100.7');
    expect(clientSource('10.0.0.1', ['1.1.1.1', '198.51.100.8'], true)).to.equal('198.51.100.8');
    expect(clientSource('10.0.0.1', '198.51.100.7, not-an-ip', true)).to.equal('10.0.0.1');
    expect(clientSource('10.0.0.1', undefined, true)).to.equal('10.0.0.1');
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
