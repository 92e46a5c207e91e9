use std::path::PathBuf;

/// A database location, its backend decided by the URL scheme alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// URL has no path".into());
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            Err("database URL must start with sqlite:// or postgres://".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_decides_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/b.db").unwrap(),
            DatabaseUrl::Sqlite("./data/b.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap(),
            DatabaseUrl::Postgres("postgresql://h/db".into())
        );
        assert!(DatabaseUrl::parse("./data/b.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
    }
}
