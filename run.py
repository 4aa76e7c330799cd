"""Development entry point: `python run.py` prepares the database and serves Ghurfa on http://127.0.0.1:5000."""
from app import create_app
from app.services.setup.bootstrap import serve_development

if __name__ == "__main__":
    serve_development(create_app())
