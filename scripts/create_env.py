"""Create the services' missing .env files from their .env.example files; never overwrites one.

ticket_system/.env gets a fresh random DJANGO_SECRET. The paths follow TICKET_SYSTEM_ENV_FILE and
AI_AGENT_ENV_FILE when those are set, as the services' settings loaders do.
"""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_env_file(service: str, variable: str, secret_line: str | None = None) -> None:
    target = Path(os.environ.get(variable) or ROOT / service / ".env")
    if target.exists():
        return
    lines = (ROOT / service / ".env.example").read_text().splitlines()
    if secret_line:
        name = secret_line.split("=", 1)[0]
        lines = [secret_line if line.startswith(f"{name}=") else line for line in lines]
    target.write_text("\n".join(lines) + "\n")
    print(f"Created {target} from {service}/.env.example.")


if __name__ == "__main__":
    create_env_file("ticket_system", "TICKET_SYSTEM_ENV_FILE", f"DJANGO_SECRET={secrets.token_urlsafe(50)}")
    create_env_file("ai_agent", "AI_AGENT_ENV_FILE")
