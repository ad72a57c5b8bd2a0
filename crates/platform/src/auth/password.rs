//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes). Hashing is CPU work,
//! so it runs on the blocking pool and never stalls the async workers; at most one hash per core
//! runs at once, so a burst of logins queues instead of taking 19 MiB each at the same moment.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use argon2::{
    Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _,
    password_hash::{SaltString, rand_core::OsRng},
};

/// Hash of a password nobody knows: verifying against it keeps the time of a login for an
/// unknown account the same as for a known one, so timing does not reveal who has an account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lnYXBkdW1teXNhbHQ$1vY3jQ2f6Qe7wM1H0fV9p0m7m1tq7v8p3e2Hq0KQy1M";

static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
    })
    .await?
}

/// True when `password` matches `hash`. With `None` it burns the same time and returns false.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && matches
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash_password("Kupang-2026!".into()).await.expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Kupang-2026!".into(), Some(hash.clone())).await);
        assert!(!verify_password("kupang-2026!".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }
}
