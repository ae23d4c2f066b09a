"""Near misses: names that say password, values that are not secrets.

password = "in a docstring"
"""
import getpass
import os

# password = "in a comment"
# TODO: rotate the API token every month

PASSWORD_MIN_LENGTH = 12
PASSWORD_FIELD = "password"
TOKEN_HEADER = "Authorization"
password_hash_algorithm = "argon2"
SECRET_KEY = os.environ["SECRET_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD")
API_TOKEN = os.environ.get("API_TOKEN")
AWS_SECRET = None
ENABLE_AUTH = True
PLACEHOLDER_PASSWORD = "changeme"
EXAMPLE_TOKEN = "<your-token-here>"
TEMPLATE_PASSWORD = "${DB_PASSWORD}"
JINJA_TOKEN = "{{ vault_token }}"
EMPTY = ""
password = getpass.getpass("Password: ")
token = get_token_from_vault(path="secret/data/app")
secret = settings.SECRET
api_key = f"{prefix}-{suffix}"
greeting = f"Hello {user}, your password was reset"
prompt = "Enter your password: "
message = "password must be at least %d characters" % PASSWORD_MIN_LENGTH
msg2 = "invalid token: {}".format(token)
log_line = "login failed for " + username
escaped = f"{{not a field}}"
REGEX = r"password\s*=\s*(\S+)"
numbers = [1, 2, 3]
print("password reset link sent")
logger.info("token refreshed", extra={"token_id": token_id})
if password is None:
    raise ValueError("password is required")
'string statement with password = "x" inside'
