//! Which addresses may be fetched.
//!
//! By default only public unicast addresses are. Refused, for IPv4:
//! `0.0.0.0/8` (this network), `10/8`, `172.16/12`, `192.168/16`
//! (private), `100.64/10` (shared, carrier NAT), `127/8` (loopback),
//! `169.254/16` (link-local, where cloud metadata services live),
//! `192.0.0/24`, `192.0.2/24`, `198.18/15`, `198.51.100/24`,
//! `203.0.113/24` (protocol assignments, documentation, benchmarking),
//! `224/4` (multicast) and `240/4` (reserved, broadcast). For IPv6: `::`,
//! `::1`, `fc00::/7` (unique local), `fe80::/10` and `fec0::/10`
//! (link- and site-local), `ff00::/8` (multicast), `2001:db8::/32`
//! (documentation), `2001::/32` (Teredo), and the IPv4-mapped,
//! IPv4-compatible, NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) forms of
//! a refused IPv4 address.
//!
//! The check is made where it cannot be bypassed: names are resolved
//! through [`Lookup`] and the refused addresses are dropped *before*
//! reqwest connects (so a name that resolves to a public address for the
//! check and a private one for the connection, DNS rebinding, gains
//! nothing), and IP literals in URLs are checked by the fetcher before any
//! request. Redirects are followed by hand and each hop goes through the
//! same checks.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// Why an address is not public: `Some("loopback")`, `Some("private")`,
/// ... or `None` for a public unicast address.
pub fn non_public_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

/// True for a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    non_public_kind(ip).is_none()
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, b, _) if (16..32).contains(&b) => "private",
        (100, b, _) if (64..128).contains(&b) => "shared (carrier-grade NAT)",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "reserved",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18 | 19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_kind(v4);
    }
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // IPv4-compatible (deprecated) ::a.b.c.d and NAT64 64:ff9b::a.b.c.d.
    let embedded = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(v4_kind(embedded()).unwrap_or("IPv4-translated"));
    }
    if s[0] == 0x2002 {
        // 6to4 carries an IPv4 address in segments 1 and 2.
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return v4_kind(v4);
    }
    Some(match s[0] {
        x if x & 0xfe00 == 0xfc00 => "private (unique local)",
        x if x & 0xffc0 == 0xfe80 => "link-local",
        x if x & 0xffc0 == 0xfec0 => "site-local",
        x if x & 0xff00 == 0xff00 => "multicast",
        0x2001 if s[1] == 0x0db8 => "documentation",
        0x2001 if s[1] == 0 => "Teredo",
        _ => return None,
    })
}

/// Which addresses the fetcher may connect to.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Allow every address (`--allow-private`: tests, intranets).
    pub allow_private: bool,
    /// Exact addresses allowed even though they are not public (one
    /// intranet host, or a test server), while the rest stay refused.
    pub allowed: Vec<IpAddr>,
}

impl AddressPolicy {
    /// `None` when `ip` may be connected to; else why not.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_private || self.allowed.contains(&ip) {
            return None;
        }
        non_public_kind(ip)
    }
}

/// The future of a [`Lookup`].
pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Resolves host names to addresses. [`SystemLookup`] asks the system;
/// [`StaticLookup`] answers from a table, for tests that must send no
/// request off the machine.
pub trait Lookup: Send + Sync + 'static {
    /// The addresses of `host` (a name, never an IP literal).
    fn lookup(&self, host: &str) -> LookupFuture;
}

/// The system resolver (`getaddrinfo`, on tokio's blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let host = host.to_string();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// A fixed table of names and addresses; any other name fails to resolve.
/// Nothing is asked of the network.
#[derive(Debug, Clone, Default)]
pub struct StaticLookup {
    table: HashMap<String, Vec<IpAddr>>,
}

impl StaticLookup {
    /// An empty table.
    pub fn new() -> StaticLookup {
        StaticLookup::default()
    }

    /// Adds `host` → `addrs` (names are compared without case).
    pub fn with(mut self, host: &str, addrs: &[IpAddr]) -> StaticLookup {
        self.table.insert(host.to_ascii_lowercase(), addrs.to_vec());
        self
    }
}

impl Lookup for StaticLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let found = self.table.get(&host.to_ascii_lowercase()).cloned();
        let host = host.to_string();
        Box::pin(async move {
            found.ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("{host}: unknown name"))
            })
        })
    }
}

/// A name whose every address was refused; carried through reqwest's error
/// chain so that the fetcher can report it as [`crate::FetchError::Blocked`].
#[derive(Debug, Clone)]
pub(crate) struct BlockedName {
    pub host: String,
    pub addr: IpAddr,
    pub kind: &'static str,
}

impl std::fmt::Display for BlockedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to {}, a {} address",
            self.host, self.addr, self.kind
        )
    }
}

impl std::error::Error for BlockedName {}

/// A name that did not resolve; carried like [`BlockedName`].
#[derive(Debug)]
pub(crate) struct UnresolvedName {
    pub host: String,
    pub reason: String,
}

impl std::fmt::Display for UnresolvedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot resolve {}: {}", self.host, self.reason)
    }
}

impl std::error::Error for UnresolvedName {}

/// reqwest's resolver: looks the name up, drops refused addresses, and
/// fails with [`BlockedName`] when none is left.
pub(crate) struct GuardedResolver {
    pub lookup: Arc<dyn Lookup>,
    pub policy: Arc<AddressPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let lookup = self.lookup.lookup(&host);
        let policy = self.policy.clone();
        Box::pin(async move {
            let addrs = lookup.await.map_err(|e| {
                Box::new(UnresolvedName {
                    host: host.clone(),
                    reason: e.to_string(),
                }) as Box<dyn std::error::Error + Send + Sync>
            })?;
            let mut refused = None;
            let mut ok = Vec::new();
            for ip in addrs {
                match policy.refusal(ip) {
                    None => ok.push(SocketAddr::new(ip, 0)),
                    Some(kind) => refused = refused.or(Some((ip, kind))),
                }
            }
            if ok.is_empty() {
                let err: Box<dyn std::error::Error + Send + Sync> = match refused {
                    Some((addr, kind)) => Box::new(BlockedName { host, addr, kind }),
                    None => Box::new(UnresolvedName {
                        host,
                        reason: "no addresses".into(),
                    }),
                };
                return Err(err);
            }
            Ok(Box::new(ok.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<&'static str> {
        non_public_kind(s.parse().unwrap())
    }

    #[test]
    fn non_public_addresses() {
        for (ip, k) in [
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "reserved"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("fd00::1", "private (unique local)"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::10.0.0.1", "private"),
            ("64:ff9b::a00:1", "private"),
            ("2002:a00:1::", "private"),
            ("2001:db8::1", "documentation"),
        ] {
            assert_eq!(kind(ip), Some(k), "{ip}");
        }
    }

    #[test]
    fn public_addresses() {
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn policy_exceptions() {
        let lo: IpAddr = "127.0.0.2".parse().unwrap();
        let p = AddressPolicy {
            allow_private: false,
            allowed: vec![lo],
        };
        assert_eq!(p.refusal(lo), None);
        assert_eq!(p.refusal("127.0.0.1".parse().unwrap()), Some("loopback"));
        let open = AddressPolicy {
            allow_private: true,
            allowed: vec![],
        };
        assert_eq!(open.refusal("10.0.0.1".parse().unwrap()), None);
    }

    #[tokio::test]
    async fn the_resolver_drops_refused_addresses() {
        use reqwest::dns::Resolve;
        let lookup = StaticLookup::new()
            .with(
                "mixed.example",
                &[
                    "10.0.0.1".parse().unwrap(),
                    "93.184.216.34".parse().unwrap(),
                ],
            )
            .with("inside.example", &["10.0.0.1".parse().unwrap()]);
        let r = GuardedResolver {
            lookup: Arc::new(lookup),
            policy: Arc::new(AddressPolicy::default()),
        };
        let addrs: Vec<SocketAddr> = r
            .resolve("mixed.example".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert_eq!(addrs, vec!["93.184.216.34:0".parse().unwrap()]);
        let err = r
            .resolve("inside.example".parse().unwrap())
            .await
            .err()
            .unwrap();
        let b = err.downcast_ref::<BlockedName>().unwrap();
        assert_eq!(b.kind, "private");
        assert!(r.resolve("nowhere.example".parse().unwrap()).await.is_err());
    }
}
