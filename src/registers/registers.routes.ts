import { Router } from 'express';

export function registersRouter(): Router {
  const router = Router();
  return router;
}
