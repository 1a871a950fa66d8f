import { Router } from 'express';

export function profileRouter(): Router {
  const router = Router();
  return router;
}
