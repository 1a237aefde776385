"""Test certificates: a CA and a server certificate for 127.0.0.1 signed by it.

Shared by the FTPS upload tests (unit) and the TLS broker test (end to end). Valid from
2000 to 9999, so that no test depends on the date: OpenSSL checks them against the real
clock (or faketime's), not against the unit tests' frozen one.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

type Key = ec.EllipticCurvePrivateKey


def _builder(
    subject: x509.Name, issuer: x509.Name, key: Key
) -> x509.CertificateBuilder:
    # Built through the module at call time: under a frozen clock, datetime is the
    # freezer's class, which the certificate builder insists on.
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    )


def certificate_authority(name: str) -> tuple[Key, x509.Certificate]:
    """A CA's key and self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = x509.KeyUsage(
        digital_signature=True,
        key_cert_sign=True,
        crl_sign=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        _builder(subject, subject, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def server_certificate(
    ca_key: Key, ca: x509.Certificate, host: str
) -> tuple[bytes, bytes]:
    """PEM certificate and PEM key of a server at IP address `host`, signed by the CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    cert = (
        _builder(subject, ca.subject, key)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def pem(cert: x509.Certificate) -> bytes:
    """A certificate in PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def write_server_files(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A new CA and a server certificate for `host` signed by it, written to `folder`.

    Returns the paths of the CA certificate, the server certificate and its key.
    """
    ca_key, ca = certificate_authority("IoT Lab test CA")
    cert, key = server_certificate(ca_key, ca, host)
    paths = folder / "ca.crt", folder / "server.crt", folder / "server.key"
    for path, content in zip(paths, (pem(ca), cert, key), strict=True):
        path.write_bytes(content)
    return paths
