//! Signing keys: `keygen` creates the secret key with mode 0600, exclusively (never through a
//! symbolic link), `--force` replaces it atomically with mode 0600; the secret key file has a
//! header line that tells it from a public key; `sign` refuses a public key given as the
//! secret key, and revision u32::MAX without `--force`; `verify` refuses a secret key. Also
//! the AHP judgments file: empty is an error, counts are true.

#![cfg(unix)]

mod support;

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use silkscore::signed;
use support::{code, run, scratch, stderr, stdout, temp_files, workspace};

fn p(path: &Path) -> String {
    path.display().to_string()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

const HEADER: &str = "silkscore-secret-key-v1 ed25519-seed";

#[test]
fn keygen_is_exclusive_private_and_never_follows_links() {
    let dir = scratch("keys", "keygen");
    let key = dir.join("op.key");
    let public = dir.join("op.key.pub");
    let o = run(&dir, &["model", "keygen", "-o", &p(&key)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&key), 0o600);
    let text = fs::read_to_string(&key).unwrap();
    assert!(text.starts_with(&format!("{HEADER}\n")), "{text}");
    assert_eq!(fs::read_to_string(&public).unwrap().trim().len(), 64);

    // An existing file at KEY or KEY.pub: refused, nothing changed or created.
    let o = run(&dir, &["model", "keygen", "-o", &p(&key)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&key).unwrap(), text);
    let lone = dir.join("lone.key");
    fs::write(dir.join("lone.key.pub"), "mine\n").unwrap();
    let o = run(&dir, &["model", "keygen", "-o", &p(&lone)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!lone.exists(), "no secret key without its public key");
    assert_eq!(
        fs::read_to_string(dir.join("lone.key.pub")).unwrap(),
        "mine\n"
    );

    // A symbolic link at KEY, to an existing file or to nowhere: never written through.
    let victim = dir.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    let missing = dir.join("created-through-link");
    for target in [&victim, &missing] {
        let link = dir.join("link.key");
        let _ = fs::remove_file(&link);
        let _ = fs::remove_file(dir.join("link.key.pub"));
        symlink(target, &link).unwrap();
        let o = run(&dir, &["model", "keygen", "-o", &p(&link)]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(!missing.exists());
        // --force replaces the link itself with a new private key file.
        let o = run(&dir, &["model", "keygen", "--force", "-o", &p(&link)]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let meta = fs::symlink_metadata(&link).unwrap();
        assert!(meta.is_file(), "the link was replaced, not followed");
        assert_eq!(mode(&link), 0o600);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(!missing.exists());
    }

    // --force over a world-readable key: a new key, mode 0600, no temporary file left.
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&dir, &["model", "keygen", "--force", "-o", &p(&key)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&key), 0o600);
    assert_ne!(fs::read_to_string(&key).unwrap(), text);
    assert!(temp_files(&dir).is_empty(), "{:?}", temp_files(&dir));
}

#[test]
fn sign_refuses_public_keys_and_the_last_revision() {
    let f = workspace("keys", "sign");
    let env = f.dir.join("new.env");
    let sign = |key: &Path, revision: &str, force: bool| {
        let mut args = vec![
            "model".to_owned(),
            "sign".to_owned(),
            p(&f.model),
            "--key".to_owned(),
            p(key),
            "--revision".to_owned(),
            revision.to_owned(),
            "-o".to_owned(),
            p(&env),
        ];
        if force {
            args.push("--force".to_owned());
        }
        run(&f.dir, &args)
    };
    let public_text = fs::read_to_string(&f.public).unwrap();

    // The public key given as the secret key.
    let o = sign(&f.public, "3", false);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("this is a public key"),
        "{}",
        stderr(&o)
    );
    assert!(!env.exists());
    // The same public key under another name, beside the real one: still refused.
    let copy = f.dir.join("copy");
    fs::write(&copy, &public_text).unwrap();
    fs::write(f.dir.join("copy.pub"), &public_text).unwrap();
    let o = sign(&copy, "3", false);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("this is a public key"),
        "{}",
        stderr(&o)
    );

    // 64 hex digits alone cannot be told from a public key: refused, under any name and
    // whatever lies beside it, with the way to convert a genuine secret key of silkscore 0.1.
    let secret = fs::read_to_string(&f.key).unwrap();
    let seed_hex = secret.lines().nth(1).unwrap();
    let old = f.dir.join("old.key");
    fs::write(&old, format!("{seed_hex}\n")).unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
    let o = sign(&old, "3", false);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("add that line"), "{}", stderr(&o));
    assert!(!env.exists());
    let lone = f.dir.join("lone-copy-of-a-public-key");
    fs::write(&lone, &public_text).unwrap();
    let o = sign(&lone, "3", false);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!env.exists());
    // Converted by adding the header line, the old key signs.
    fs::write(
        &old,
        format!("silkscore-secret-key-v1 ed25519-seed\n{seed_hex}\n"),
    )
    .unwrap();
    let o = sign(&old, "3", false);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A key file others can read is signed with, and warned about.
    fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
    let o = sign(&old, "3", false);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("chmod 600"), "{}", stderr(&o));
    // The tagged key signs silently.
    let o = sign(&f.key, "3", false);
    assert_eq!(code(&o), 0);
    assert_eq!(stderr(&o), "");

    // u32::MAX: the last revision, only with --force.
    fs::remove_file(&env).unwrap();
    let last = u32::MAX.to_string();
    let o = sign(&f.key, &last, false);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("can never be updated"),
        "{}",
        stderr(&o)
    );
    assert!(!env.exists());
    let o = sign(&f.key, &(u32::MAX - 1).to_string(), false);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = sign(&f.key, &last, true);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let public: [u8; 32] = std::array::from_fn(|i| {
        u8::from_str_radix(&public_text.trim()[2 * i..2 * i + 2], 16).unwrap()
    });
    let trusted = signed::verifying_key(&public).unwrap();
    let v = signed::verify(&fs::read(&env).unwrap(), &trusted, 0).unwrap();
    assert_eq!(v.revision, u32::MAX);

    // verify wants the public key, not the secret one.
    let o = run(
        &f.dir,
        &["model", "verify", &p(&env), "--public-key", &p(&f.key)],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("this is a secret key"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &f.dir,
        &["model", "verify", &p(&env), "--public-key", &p(&f.public)],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("valid: revision 4294967295"));
}

#[test]
fn an_empty_judgments_file_is_an_error_and_counts_are_true() {
    let f = workspace("keys", "ahp");
    for (name, text) in [
        ("empty.txt", ""),
        ("comments.txt", "# a12\n\n   # nothing else\n"),
    ] {
        let file = f.dir.join(name);
        fs::write(&file, text).unwrap();
        let o = run(&f.dir, &["weights", "ahp", "-c", "security", &p(&file)]);
        assert_eq!(code(&o), 2, "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains("no judgments"), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // One judgment for two indicators: singular where it is one.
    let o = run(
        &f.dir,
        &[
            "weights",
            "ahp",
            "-c",
            "cultural",
            "-m",
            &p(&f.model),
            &p(&f.judgments),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("from 1 judgment in"), "{}", stdout(&o));
    let o = run(
        &f.dir,
        &["weights", "ahp", "-c", "security", &p(&f.judgments)],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("AHP weights for 2 indicators ("),
        "{}",
        stdout(&o)
    );
    // A count that does not fit the model: the counts in the message are the file's.
    let three = f.dir.join("three.txt");
    fs::write(&three, "2 3 1/2\n").unwrap();
    let o = run(
        &f.dir,
        &[
            "weights",
            "ahp",
            "-c",
            "cultural",
            "-m",
            &p(&f.model),
            &p(&three),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("3 judgments, but the cultural connotation of model")
            && stderr(&o).contains("has 2 indicators"),
        "{}",
        stderr(&o)
    );
}
