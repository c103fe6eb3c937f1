import yaml

from shared.contracts import topics
from shared.settings import REPO_ROOT


def test_the_deployed_topic_definitions_list_exactly_the_chains_topics():
    definitions = yaml.safe_load((REPO_ROOT / "deploy" / "kafka" / "topics.yaml").read_text())
    assert set(definitions["topics"]) == set(topics.ALL)
    assert definitions["dead_letter"]["suffix"] == topics.DEAD_LETTER_SUFFIX
