"""Entry point of the policy pack: serves the rules of messaging_platform.policy (blocks)."""

from messaging_platform.policy.pack import serve

serve()
