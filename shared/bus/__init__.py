"""The bus port and its adapters: aiokafka for every real run, in-memory for unit tests only."""
