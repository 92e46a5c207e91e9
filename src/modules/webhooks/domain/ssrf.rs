//! Which webhook URLs Brigade may call: https to public addresses only. Checked when an
//! endpoint is registered and again, on the resolved addresses, at every connection (a name
//! that later resolves to a private address is still refused).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Where a registered URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    pub host: String,
    pub port: u16,
    /// Plain http, allowed only to loopback in development.
    pub insecure: bool,
}

/// Parses and checks the URL's form; the host's addresses are checked by [`check_addresses`].
/// Hosts are parsed the WHATWG way, so `2130706433`, `0x7f.1` and `127.1` all mean 127.0.0.1.
pub fn parse(raw: &str, allow_insecure_loopback: bool) -> Result<Target, String> {
    let url = Url::parse(raw).map_err(|e| format!("is not a URL: {e}"))?;
    let insecure = match url.scheme() {
        "https" => false,
        "http" if allow_insecure_loopback => true,
        "http" => return Err("must use https".into()),
        other => return Err(format!("must use https, not {other}")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment".into());
    }
    let host = match url.host() {
        Some(Host::Domain(d)) => d.to_owned(),
        Some(Host::Ipv4(v4)) => v4.to_string(),
        Some(Host::Ipv6(v6)) => v6.to_string(),
        None => return Err("must name a host".into()),
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        check_addresses(&[ip], insecure)?;
    }
    let port = url.port_or_known_default().unwrap_or(443);
    Ok(Target {
        url: url.to_string(),
        host,
        port,
        insecure,
    })
}

/// Refuses when any address is not a public unicast one. `insecure` (development plain
/// http) allows loopback and only loopback.
pub fn check_addresses(addrs: &[IpAddr], insecure: bool) -> Result<(), String> {
    if addrs.is_empty() {
        return Err("does not resolve to any address".into());
    }
    for ip in addrs {
        let ip = canonical(*ip);
        if insecure {
            if !ip.is_loopback() {
                return Err(format!(
                    "plain http is allowed to loopback only, and {ip} is not loopback"
                ));
            }
        } else if let Some(why) = forbidden(ip) {
            return Err(format!("resolves to {ip}, {why}"));
        }
    }
    Ok(())
}

/// IPv4 carried in an IPv6 address (mapped, compatible, NAT64, 6to4) as the IPv4 it is.
fn canonical(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else {
        return ip;
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return IpAddr::V4(v4);
    }
    let s = v6.segments();
    let embedded = |hi: u16, lo: u16| {
        IpAddr::V4(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        ))
    };
    match s {
        // ::a.b.c.d (deprecated IPv4-compatible), but not :: and ::1 themselves.
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 => embedded(hi, lo),
        // 64:ff9b::/96 NAT64.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => embedded(hi, lo),
        // 2002::/16 6to4.
        [0x2002, hi, lo, ..] => embedded(hi, lo),
        _ => ip,
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

/// Why Brigade must not call this address, if it must not.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            const RANGES: &[([u8; 4], u32, &str)] = &[
                ([0, 0, 0, 0], 8, "an unspecified address"),
                ([10, 0, 0, 0], 8, "a private address"),
                ([100, 64, 0, 0], 10, "a shared (carrier-grade NAT) address"),
                ([127, 0, 0, 0], 8, "a loopback address"),
                (
                    [169, 254, 0, 0],
                    16,
                    "a link-local (cloud metadata) address",
                ),
                ([172, 16, 0, 0], 12, "a private address"),
                ([192, 0, 0, 0], 24, "a reserved address"),
                ([192, 0, 2, 0], 24, "a documentation address"),
                ([192, 168, 0, 0], 16, "a private address"),
                ([198, 18, 0, 0], 15, "a benchmarking address"),
                ([198, 51, 100, 0], 24, "a documentation address"),
                ([203, 0, 113, 0], 24, "a documentation address"),
                ([224, 0, 0, 0], 4, "a multicast address"),
                ([240, 0, 0, 0], 4, "a reserved address"),
            ];
            RANGES
                .iter()
                .find(|(net, bits, _)| in_v4(v4, *net, *bits))
                .map(|(_, _, why)| *why)
        }
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v6(v6: Ipv6Addr) -> Option<&'static str> {
    let first = v6.segments()[0];
    if v6.is_unspecified() {
        Some("an unspecified address")
    } else if v6.is_loopback() {
        Some("a loopback address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private (unique local) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if first & 0xff00 == 0xff00 {
        Some("a multicast address")
    } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
        Some("a documentation address")
    } else if first == 0x0100 && v6.segments()[1..4] == [0, 0, 0] {
        Some("a discard-only address")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> String {
        parse(url, false).expect_err(url)
    }

    #[test]
    fn only_https_to_named_or_public_hosts_is_accepted() {
        let t = parse("https://hooks.example.com/brigade?x=1", false).unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.insecure),
            ("hooks.example.com", 443, false)
        );
        assert!(parse("https://93.184.215.14:8443/h", false).is_ok());
        assert!(refused("http://hooks.example.com/").contains("https"));
        assert!(refused("ftp://hooks.example.com/").contains("https"));
        assert!(refused("https://user:pw@hooks.example.com/").contains("credentials"));
        assert!(refused("not a url").contains("URL"));
    }

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_refused_however_spelled() {
        for url in [
            "https://127.0.0.1/",
            "https://2130706433/",
            "https://0x7f000001/",
            "https://0x7f.1/",
            "https://127.1/",
            "https://017700000001/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.100.100.200/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[2002:7f00:1::]/",
            "https://[fd00:ec2::254]/",
            "https://[fe80::1]/",
            "https://[ff02::1]/",
        ] {
            let why = refused(url);
            assert!(why.starts_with("resolves to"), "{url}: {why}");
        }
    }

    #[test]
    fn development_mode_allows_plain_http_to_loopback_only() {
        let t = parse("http://127.0.0.1:9000/hook", true).unwrap();
        assert!(t.insecure);
        assert!(parse("http://10.0.0.1/hook", true).is_err());
        assert!(check_addresses(&["127.0.0.1".parse().unwrap()], true).is_ok());
        assert!(check_addresses(&["8.8.8.8".parse().unwrap()], true).is_err());
        assert!(check_addresses(&[], false).is_err());
        assert!(
            check_addresses(
                &["8.8.8.8".parse().unwrap(), "10.0.0.1".parse().unwrap()],
                false
            )
            .is_err()
        );
        assert!(check_addresses(&["2606:4700::1111".parse().unwrap()], false).is_ok());
    }
}
