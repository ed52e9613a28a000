"""Running rulebooks: the compiler to durable-rules JSON and the engine adapter."""
