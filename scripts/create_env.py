"""Create ticket_system/.env from its .env.example with a fresh random DJANGO_SECRET (never overwrites)."""

import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_ticket_system_env() -> None:
    target = ROOT / "ticket_system" / ".env"
    if target.exists():
        return
    example = (ROOT / "ticket_system" / ".env.example").read_text()
    secret = secrets.token_urlsafe(50)
    lines = [f"DJANGO_SECRET={secret}" if line.startswith("DJANGO_SECRET=") else line for line in example.splitlines()]
    target.write_text("\n".join(lines) + "\n")
    print(f"Created {target.relative_to(ROOT)} with a random DJANGO_SECRET.")


if __name__ == "__main__":
    create_ticket_system_env()
