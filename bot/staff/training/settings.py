"""What a training uses: the project's files, the fold count, the Rasa servers to load into."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from bot.db.models.training import DEFAULT_FOLDS
from bot.settings import settings as app_settings

PROJECT_ROOT = Path(__file__).resolve().parents[3]
ENV_CONFIG: Final = "WIJKWIJZER_TRAINING_CONFIG"
ENV_FOLDS: Final = "WIJKWIJZER_CV_FOLDS"
ENV_RASA_URLS: Final = "WIJKWIJZER_RASA_URLS"
ENV_MODELS_DIR: Final = "WIJKWIJZER_MODELS_DIR"
ENV_API_TOKEN: Final = "WIJKWIJZER_API_TOKEN"
DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"



@dataclass
class TrainingSettings:
    """What a training uses; the defaults are the project's own files."""

    project_root: Path = PROJECT_ROOT
    config: Path = PROJECT_ROOT / "config.yml"
    folds: int = DEFAULT_FOLDS
    models_dir: Path = PROJECT_ROOT / "models"
    nlu_dir: Path = PROJECT_ROOT / "data" / "nlu"
    data_dir: Path = PROJECT_ROOT / "data"
    stories_dir: Path = PROJECT_ROOT / "tests" / "stories"
    rasa_urls: list[str] = field(default_factory=lambda: [DEFAULT_RASA_URL])
    api_token: str | None = None
    # Python of the runner; rasa is taken from the same directory.
    python: str = sys.executable

    @classmethod
    def from_environment(cls) -> TrainingSettings:
        settings = cls()
        config = app_settings()
        if config.training_config:
            path = Path(config.training_config)
            settings.config = path if path.is_absolute() else PROJECT_ROOT / path
        settings.folds = config.cv_folds
        if config.models_dir:
            settings.models_dir = Path(config.models_dir)
        settings.rasa_urls = config.rasa_url_list
        settings.api_token = config.api_token or None
        return settings

    @property
    def candidates_dir(self) -> Path:
        # Below models/, but Rasa only looks for *.tar.gz in models/ itself, not in here.
        return self.models_dir / "candidates"

    def training_data(self) -> list[Path]:
        """data/nlu (or the workspace's copy of it) and the other folders of data/."""
        others = sorted(
            p for p in self.data_dir.iterdir() if p.is_dir() and p.name != self.nlu_dir.name
        )
        return [self.nlu_dir, *others]
